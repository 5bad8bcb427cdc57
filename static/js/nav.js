// The folded navigation's "Menu" button, and "/" to jump to the global search (not while typing in a field).
(() => {
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".nav-toggle");
    if (!toggle) return;
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls"))?.classList.toggle("nav-open", open);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest?.("input, textarea, select, [contenteditable]")) return;
    const search = document.querySelector(".nav-search input, #global-search-q");
    if (!search) return;
    event.preventDefault();
    const menu = document.getElementById("nav-menu");
    const toggle = document.querySelector(".nav-toggle");
    if (menu && toggle && getComputedStyle(toggle).display !== "none") {
      menu.classList.add("nav-open");
      toggle.setAttribute("aria-expanded", "true");
    }
    search.focus();
  });
})();
