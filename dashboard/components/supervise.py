"""The view bar's "督办" link: the ministry opens a supervision request on the region and view it is looking at."""

from __future__ import annotations

from urllib.parse import quote

from dash import dcc

from aidwatch.i18n import t
from aidwatch.viewstate import View
from views.supervision import PATH



def supervise_href(path: str, view: View) -> str:
    """``/supervision`` at ``view``'s region, carrying the view's path and query (``page``) for the request."""
    target = View(province=view.province, city=view.city, school=view.school, lang=view.lang).query()
    return PATH + target + ("&" if target else "?") + "page=" + quote(path + view.query(), safe="")


def supervise_link(path: str, view: View, role: str, lang: str) -> list:
    """The link, for the ministry on any page but this one, once a region is selected (a province at least)."""
    if role != "ministry" or not view.province or path == PATH:
        return []
    return [dcc.Link(t("sv_button", lang), href=supervise_href(path, view), id="aw-supervise",
                     title=t("sv_button_title", lang), className="btn btn-outline-danger btn-sm aw-supervise")]
