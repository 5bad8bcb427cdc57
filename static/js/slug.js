// The new-project form: while the slug is left empty, its placeholder previews the slug the server will make from
// the name (services/projects/slug.ts; the server also adds -2, -3… when it is taken).
(() => {
  const form = document.querySelector("form.project-form");
  const name = form?.querySelector("input[name=name]");
  const slug = form?.querySelector("input[name=slug]");
  if (!name || !slug) return;
  const slugify = (text) =>
    text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "").slice(0, 56).replace(/-+$/, "");
  const preview = () => {
    slug.placeholder = name.value.trim() ? slugify(name.value) || "project" : "made from the name";
  };
  name.addEventListener("input", preview);
  preview();
})();
