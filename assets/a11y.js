// Clientside callbacks registered in callbacks/a11y.py: page language, title, focus and the phone menu.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  aidwatch: {
    pageMeta: function (meta) {
      if (!meta) { return window.dash_clientside.no_update; }
      document.documentElement.lang = meta.lang;
      document.title = meta.title;
      // Dash's page router sets the tab's title once more after the layout arrives: set ours last.
      setTimeout(function () { document.title = meta.title; }, 0);
      // Only a new URL is a navigation: the first page (the browser starts at its top already) and a page
      // drawn again for the same URL keep the focus where it is.
      const first = window.aidwatchUrl === undefined;
      const same = window.aidwatchUrl === window.location.href;
      window.aidwatchUrl = window.location.href;
      if (first || same) { return window.dash_clientside.no_update; }
      const main = document.getElementById("aw-main");
      if (main) { main.focus({preventScroll: true}); window.scrollTo(0, 0); }
      return meta.title;
    },
    toggleMenu: function (clicks, className) {
      const open = !(className || "").split(" ").includes("aw-menu-open");
      return [open ? "aw-menu aw-menu-open" : "aw-menu", open ? "true" : "false"];
    },
  },
});
