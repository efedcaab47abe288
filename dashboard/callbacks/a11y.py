"""Browser-side help for keyboards and screen readers, run as clientside callbacks (no server round trip).

- Each page's ``aw-meta`` (dashboard.components.frame) sets ``<html lang>`` and the tab's title; after a
  navigation inside the app (not on the first load, where the browser itself starts at the top) focus
  moves to ``main`` and the page's title is announced in the ``aw-announce`` live region, so that a
  screen reader user knows the click did something and where they are.
- The header's menu button folds and unfolds the navigation on narrow screens, telling its state in
  ``aria-expanded``.
"""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State

ANNOUNCE = "aw-announce"


def register(app) -> None:
    app.clientside_callback(
        ClientsideFunction("aidwatch", "pageMeta"),
        Output(ANNOUNCE, "children"),
        Input("aw-meta", "data"),
    )
    app.clientside_callback(
        ClientsideFunction("aidwatch", "toggleMenu"),
        Output("aw-menu", "className"),
        Output("aw-menu-button", "aria-expanded"),
        Input("aw-menu-button", "n_clicks"),
        State("aw-menu", "className"),
        prevent_initial_call=True,
    )
