// The briefing's Print button (a file, not an inline handler: the CSP allows scripts from this server only).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("#br-print")) {
    window.print();
  }
});
