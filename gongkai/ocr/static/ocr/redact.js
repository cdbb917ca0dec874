/* Draw rectangles to black out on a page preview (ocr/attachment.html).
   Without this script the same rectangles are typed into the page's text box (per cent of
   the page's width and height), so the script only writes lines into that box. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function round(v) { return Math.round(Math.max(0, Math.min(100, v)) * 10) / 10; }

  function setup(figure) {
    var svg = figure.querySelector("svg.ocr-page");
    var area = figure.querySelector("textarea.ocr-regions");
    var toggle = figure.querySelector("button.ocr-draw");
    var clear = figure.querySelector("button.ocr-clear");
    if (!svg || !area || !toggle || !clear) { return; }
    var box = svg.viewBox.baseVal;
    var width = box.width, height = box.height;
    var drawing = false, start = null, current = null;
    toggle.hidden = false;
    clear.hidden = false;

    function point(event) {
      var r = svg.getBoundingClientRect();
      return { x: (event.clientX - r.left) / r.width * width, y: (event.clientY - r.top) / r.height * height };
    }
    function place(rect, a, b) {
      rect.setAttribute("x", Math.min(a.x, b.x));
      rect.setAttribute("y", Math.min(a.y, b.y));
      rect.setAttribute("width", Math.abs(a.x - b.x));
      rect.setAttribute("height", Math.abs(a.y - b.y));
    }
    function redraw() {
      svg.querySelectorAll("rect.ocr-drawn").forEach(function (r) { r.remove(); });
      area.value.split("\n").forEach(function (line) {
        var v = (line.match(/-?\d+(\.\d+)?/g) || []).map(Number);
        if (v.length !== 4) { return; }
        var rect = document.createElementNS(NS, "rect");
        rect.setAttribute("class", "ocr-drawn");
        place(rect, { x: v[0] / 100 * width, y: v[1] / 100 * height }, { x: v[2] / 100 * width, y: v[3] / 100 * height });
        svg.appendChild(rect);
      });
    }
    toggle.addEventListener("click", function () {
      drawing = !drawing;
      svg.classList.toggle("drawing", drawing);
      toggle.setAttribute("aria-pressed", drawing ? "true" : "false");
      toggle.textContent = drawing ? "结束框选" : "在页面上框选";
    });
    clear.addEventListener("click", function () { area.value = ""; redraw(); });
    svg.addEventListener("pointerdown", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      svg.setPointerCapture(event.pointerId);
      start = point(event);
      current = document.createElementNS(NS, "rect");
      current.setAttribute("class", "ocr-drawn");
      place(current, start, start);
      svg.appendChild(current);
    });
    svg.addEventListener("pointermove", function (event) {
      if (start) { place(current, start, point(event)); }
    });
    svg.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var end = point(event);
      var l = round(Math.min(start.x, end.x) / width * 100), r = round(Math.max(start.x, end.x) / width * 100);
      var t = round(Math.min(start.y, end.y) / height * 100), b = round(Math.max(start.y, end.y) / height * 100);
      start = null;
      if (r - l < 0.5 || b - t < 0.3) { current.remove(); return; }
      area.value = (area.value.trim() ? area.value.trim() + "\n" : "") + [l, t, r, b].join(" ");
      redraw();
    });
    area.addEventListener("input", redraw);
    redraw();
  }

  function syncHits() {
    document.querySelectorAll("input[name=hits]").forEach(function (input) {
      function sync() {
        document.querySelectorAll('rect[data-hit="' + input.value + '"]').forEach(function (rect) {
          rect.classList.toggle("chosen", input.checked);
        });
      }
      input.addEventListener("change", sync);
      sync();
    });
  }

  document.querySelectorAll("figure.ocr-figure").forEach(setup);
  syncHits();
})();
