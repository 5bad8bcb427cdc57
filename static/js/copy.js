// Copy buttons (views/components/copy_field.tsx): shown only where this script runs. A button copies its
// data-copy-text, or else the value of the input beside it, then says "Copied" for two seconds.
(() => {
  const reveal = (root) => {
    for (const button of root.querySelectorAll(".copy-button[hidden]")) button.hidden = false;
  };
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:load", (event) => reveal(event.detail.elt));
  document.addEventListener("click", async (event) => {
    const button = event.target.closest?.(".copy-button");
    if (!button) return;
    const input = button.closest(".copy-field")?.querySelector("input");
    const text = button.dataset.copyText ?? input?.value ?? "";
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (plain http, older browsers): select the text so Ctrl+C works.
      input?.select();
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = "Copied";
    button.setAttribute("aria-live", "polite");
    setTimeout(() => (button.textContent = label), 2000);
  });
})();
