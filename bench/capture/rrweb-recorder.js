// The rrweb side of `airlock bench capture`: starts rrweb's recorder the way a site embeds it,
// with the privacy setting that matches Airlock's default (every input value masked), and sends
// its events over a WebSocket in batches every 100 ms — Airlock's own flush interval — so both
// recorders are compared with the same transport and batching.
(function () {
  "use strict";
  var queue = [];
  var open = false;
  var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/bench/rrweb");
  function flush() {
    if (!open || queue.length === 0) return;
    ws.send(JSON.stringify(queue));
    queue = [];
  }
  ws.addEventListener("open", function () {
    open = true;
    flush();
  });
  setInterval(flush, 100);
  addEventListener("pagehide", flush);
  window.rrweb.record({
    emit: function (event) {
      queue.push(event);
    },
    maskAllInputs: true,
  });
})();
