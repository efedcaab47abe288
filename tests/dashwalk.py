"""Drive a dashboard page over HTTP the way the browser's Dash renderer does, without a browser.

The callbacks come from the app's own callback map as the renderer receives
it (``/_dash-dependencies``), so a page added tomorrow is walked with the
payloads it really gets: open the layout, set the location, fire every
server-side callback whose inputs appear or change (the initial calls), apply
the outputs, repeat; then fire each user-triggered callback once with what a
click on the rendered page would send. Every response is kept for the
caller to inspect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import dash_requests
from tests.apps import json_or_none, text_of


def dependencies(client) -> list[dict]:
    """The server-side callbacks of the app, as the renderer gets them."""
    response = client.get("/_dash-dependencies")
    assert response.status_code == 200, response.status_code
    return [d for d in response.get_json() if not d.get("clientside_function")]


def outputs_of(dep: dict):
    """The ``outputs`` part of a request: one dict for a single output, a list for several."""
    key = dep["output"]
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    specs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]
    return specs if key.startswith("..") else specs[0]


def payload(dep: dict, props: dict, changed: list[str]) -> dict:
    """The JSON body the renderer posts to ``/_dash-update-component`` for ``dep``."""
    def items(deps):
        return [{"id": d["id"], "property": d["property"], "value": props.get((d["id"], d["property"]))}
                for d in deps]
    return {"output": dep["output"], "outputs": outputs_of(dep), "inputs": items(dep["inputs"]),
            "changedPropIds": changed, "state": items(dep.get("state", []))}


@dataclass
class Post:
    output: str
    changed: list[str]
    status: int
    text: str  # the body, JSON's \\u escapes decoded


@dataclass
class PageWalk:
    client: object
    deps: list[dict]
    after_post: object = None          # called with each Post as it happens
    props: dict = field(default_factory=dict)
    ids: set = field(default_factory=set)
    posts: list[Post] = field(default_factory=list)

    def _add(self, tree) -> set[str]:
        new = set()
        for comp in dash_requests.components(tree):
            cid = comp["props"].get("id")
            if isinstance(cid, str):
                new.add(cid)
                for prop, value in comp["props"].items():
                    self.props[(cid, prop)] = value
        self.ids |= new
        return new

    def _post(self, dep: dict, changed: list[str]) -> tuple[set[str], set[str]]:
        response = dash_requests.post(self.client, payload(dep, self.props, changed))
        data = json_or_none(response) or {}
        post = Post(dep["output"], changed, response.status_code, text_of(response))
        self.posts.append(post)
        if self.after_post:
            self.after_post(post)
        changed_now, new_ids = set(), set()
        for cid, values in (data.get("response") or {}).items() if isinstance(data, dict) else ():
            for prop, value in values.items():
                self.props[(cid, prop)] = value
                changed_now.add(f"{cid}.{prop}")
                new_ids |= self._add(value)
        return changed_now, new_ids

    def open(self, path: str, search: str) -> "PageWalk":
        """Load the app shell at ``path?search`` and run every callback the page fires by itself."""
        new_ids = self._add(self.client.get("/_dash-layout").get_json())
        changed = set()
        for loc in ("_pages_location", "url"):
            if loc in self.ids:
                self.props.update({(loc, "pathname"): path, (loc, "search"): search, (loc, "href"): path + search})
                changed |= {f"{loc}.pathname", f"{loc}.search", f"{loc}.href"}
        fired = set()
        for _ in range(10):  # rounds of the renderer's loop; a page settles in two or three
            todo = []
            for dep in self.deps:
                inputs = dep["inputs"]
                if not all(i["id"] in self.ids for i in inputs):
                    continue
                triggered = [f"{i['id']}.{i['property']}" for i in inputs if f"{i['id']}.{i['property']}" in changed]
                initial = not dep["prevent_initial_call"] and any(i["id"] in new_ids for i in inputs) \
                    and dep["output"] not in fired
                if triggered or initial:
                    todo.append((dep, triggered or [f"{inputs[0]['id']}.{inputs[0]['property']}"]))
            if not todo:
                break
            changed, new_ids = set(), set()
            for dep, trig in todo:
                fired.add(dep["output"])
                c, n = self._post(dep, trig)
                changed |= c
                new_ids |= n
        return self

    def click_everything(self) -> "PageWalk":
        """Fire each user-triggered callback once per input, with what a click on this page would carry."""
        for dep in self.deps:
            if not dep["prevent_initial_call"] or not all(i["id"] in self.ids for i in dep["inputs"]):
                continue
            if dep["inputs"][0]["id"] == "_pages_location":
                continue  # the router: run by ``open``
            for i in dep["inputs"]:
                value = self._click(i["id"], i["property"])
                if value is None:
                    continue
                self.props[(i["id"], i["property"])] = value
                self._post(dep, [f"{i['id']}.{i['property']}"])
        return self

    def _click(self, cid: str, prop: str):
        """A plausible value for an event property of component ``cid``, from what it shows; None if nothing."""
        if prop == "clickData":
            traces = (self.props.get((cid, "figure")) or {}).get("data") or []
            custom = (traces[0].get("customdata") or []) if traces else []
            return {"points": [{"customdata": custom[0]}]} if custom else None
        if prop == "cellClicked":
            rows = self.props.get((cid, "rowData")) or []
            key = str(self.props.get((cid, "getRowId")) or "").removeprefix("params.data.")
            return {"rowId": str(rows[0].get(key)), "colId": "name", "value": None} if rows and key else None
        return self.props.get((cid, prop))  # pickers and the like: their current value, as on mount
