// ftpdoctor web page: progress of a running check (server-sent events),
// and a form that is not sent twice. The page works without this file:
// the running page then refreshes itself.
(function () {
  "use strict";
  var form = document.getElementById("check-form");
  if (form) {
    form.addEventListener("submit", function () {
      var b = document.getElementById("submit");
      if (b) { b.disabled = true; b.textContent = "Starting…"; }
    });
  }
  var running = document.getElementById("running");
  if (!running) { return; }
  var report = running.getAttribute("data-report");
  var elapsed = document.getElementById("elapsed");
  var state = document.getElementById("state");
  if (!window.EventSource) {
    setTimeout(function () { location.replace(report); }, 1000);
    return;
  }
  var es = new EventSource(running.getAttribute("data-events"));
  var list = document.getElementById("stages");
  var shown = list ? list.children.length : 0;
  es.addEventListener("stage", function (e) {
    if (shown > 0) { shown--; return; } // already drawn by the server
    var d = JSON.parse(e.data);
    var li = document.createElement("li");
    li.className = d.status;
    var b = document.createElement("b");
    b.textContent = d.id;
    li.appendChild(b);
    li.appendChild(document.createTextNode(" " + d.status + " · " + d.duration_ms.toFixed(1) + " ms · " + d.summary));
    list.appendChild(li);
  });
  es.addEventListener("state", function (e) {
    var d = JSON.parse(e.data);
    state.textContent = d.state;
    elapsed.textContent = (d.elapsed_ms / 1000).toFixed(1) + " s";
  });
  es.addEventListener("done", function () {
    es.close();
    location.replace(report);
  });
  es.onerror = function () {
    es.close();
    setTimeout(function () { location.replace(report); }, 1000);
  };
})();
