// Drag-to-move and resize for editors on wide screens (gridstack), saving each change through the JSON API with
// the page's CSRF token. Without JS (or on a phone) the CSS grid shows the same layout and the "Arrange widgets"
// form moves tiles.
(function () {
  function start() {
    const el = document.querySelector(".dash-grid[data-editable]");
    if (!el || !globalThis.GridStack || globalThis.matchMedia("(max-width: 768px)").matches) return;
    el.classList.add("grid-stack", "gs-on");
    const GridStack = globalThis.GridStack.GridStack || globalThis.GridStack;
    const grid = GridStack.init({ column: 12, cellHeight: 80, margin: 5, float: false }, el);
    const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    grid.on("change", function (_event, items) {
      const positions = grid.getGridItems().map(function (item) {
        const n = item.gridstackNode;
        return { id: n.id, position: { x: n.x, y: n.y, w: n.w, h: n.h } };
      });
      if (!items || items.length === 0) return;
      fetch("/api/v1/dashboards/" + el.dataset.dashboard + "/layout", {
        method: "PUT",
        headers: Object.assign({ "Content-Type": "application/json" }, headers),
        body: JSON.stringify({ positions: positions }),
        credentials: "same-origin",
      }).then(function (res) {
        el.dataset.saved = res.ok ? "yes" : "failed";
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
