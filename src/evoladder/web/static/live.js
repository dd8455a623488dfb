// Live queue panel: progressive enhancement of /live (the page is complete without this script).
// One EventSource on /live/events; each "snapshot" event carries the panel's HTML, rendered and
// translated by the server, which replaces the current one. The countdown to the next wave ticks
// locally from the <time datetime> it was given (a display timer, not a request loop).
(function () {
  "use strict";
  var panel = document.getElementById("live-panel");
  var body = document.getElementById("live-body");
  if (!panel || !body || !window.EventSource) return;
  var state = document.getElementById("live-state");
  var announce = document.getElementById("live-announce");

  function tick() {
    var times = body.querySelectorAll("time[data-countdown]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var left = Math.round((Date.parse(el.getAttribute("datetime")) - Date.now()) / 1000);
      el.textContent = left > 0 ? el.getAttribute("data-template").replace("{s}", String(left)) : el.getAttribute("data-now");
    }
  }

  function setState(key) {
    if (state) state.textContent = state.getAttribute(key);
  }

  var source = new EventSource(panel.getAttribute("data-events"));
  source.addEventListener("open", function () { setState("data-live"); });
  source.addEventListener("error", function () { setState("data-lost"); });  // the browser reconnects by itself
  source.addEventListener("snapshot", function (event) {
    body.innerHTML = event.data;  // server-rendered, escaped by the template engine
    tick();
    var summary = body.querySelector(".live-summary strong");
    if (announce && summary) announce.textContent = summary.textContent;
    panel.setAttribute("data-updated", String(Date.now()));
  });
  window.addEventListener("pagehide", function () { source.close(); });
  tick();
  window.setInterval(tick, 1000);
})();
