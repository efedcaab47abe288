// Keyboard help for the AG Grids (dashboard/components/grid.py).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// Open a URL inside the app as dcc.Link does: one history entry, no page reload.
function aidwatchOpen(href) {
  window.history.pushState({}, "", href);
  window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
}

// A document: the browser downloads it and the page stays (a window property, so a test can watch it).
function aidwatchDownload(href) {
  window.location.assign(href);
}

// Tab and Shift+Tab leave the grid instead of walking every cell; arrows move within it.
dagfuncs.aidwatchTabOut = function (params) {
  return false;
};

// Enter on any cell of a region's row opens that region (the row's drill-down link).
// A RowLink cell (a row's own document) opens its link instead.
dagfuncs.aidwatchDrillOnEnter = function (params) {
  const event = params.event;
  const own = params.colDef && params.colDef.cellRendererParams && params.colDef.cellRendererParams.href;
  const href = params.data && (own ? params.data[own] : params.data.href);
  if (event && event.key === "Enter" && href) {
    event.preventDefault();
    if (own) { window.aidwatchDownload(href); } else { aidwatchOpen(href); }
  }
};

// A link of the row's own (cellRendererParams.href names its field), e.g. a province's draft report: a click
// follows the link; the grid's drill callback ignores clicks on this column (callbacks.common.clicked_code).
dagcomponentfuncs.RowLink = function (props) {
  const href = props.data && props.data[props.colDef.cellRendererParams.href];
  if (!href) { return props.value; }
  const label = props.data.name ? props.value + " · " + props.data.name : props.value;  // which row's, for a reader
  return React.createElement("a", {href: href, tabIndex: -1, className: "aw-row-link", "aria-label": label},
                             props.value);
};

// The region's name as a real link to its drill-down. A plain click is left to the grid's cellClicked
// (the page's drill callback) so that it is not opened twice; a modified click opens a new tab as usual.
dagcomponentfuncs.DrillLink = function (props) {
  if (!props.data || !props.data.href) { return props.value; }
  return React.createElement("a", {
    href: props.data.href,
    tabIndex: -1,
    className: "aw-drill-link",
    onClick: function (event) {
      if (!(event.ctrlKey || event.metaKey || event.shiftKey || event.button)) { event.preventDefault(); }
    },
  }, props.value);
};
