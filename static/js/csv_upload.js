// A csv source's file: sent as the request body (streamed to the server, not a form upload) with visible progress;
// the page reloads to show the imported table, or says what was wrong in plain words.
(() => {
  const form = document.getElementById("csv-upload");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = form.querySelector('input[type="file"]').files[0];
    const progress = form.querySelector("progress");
    const status = form.querySelector('[role="status"]');
    if (!file) {
      status.textContent = "Choose a CSV file first.";
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.url);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
    progress.hidden = false;
    progress.value = 0;
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = `Uploading… ${progress.value}%`;
    });
    xhr.upload.addEventListener("load", () => (status.textContent = "Importing…"));
    xhr.addEventListener("load", () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON: the status line says enough */ }
      if (xhr.status === 200) {
        status.textContent = `Imported ${body.rows} rows.`;
        location.reload();
        return;
      }
      const fields = (body.errors ?? []).map((e) => `${e.path === "file" ? "The file" : e.path} ${e.message}`);
      status.textContent = fields.length ? fields.join("; ") : (body.detail ?? `Upload failed (${xhr.status}).`);
    });
    xhr.addEventListener("error", () => (status.textContent = "The upload was interrupted; try again."));
    xhr.send(file);
  });
})();
