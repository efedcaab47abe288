// When a session ends (idle timeout, disabled account), Dash's requests get 401:
// send the browser to the login page instead of leaving a frozen dashboard.
(function () {
  const fetch0 = window.fetch;
  window.fetch = function () {
    return fetch0.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
      }
      return response;
    });
  };
})();
