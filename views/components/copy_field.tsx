/**
 * A shown-once secret or a URL to paste elsewhere, with a Copy button
 * (static/js/copy.js shows the button and copies; without script the text is
 * still selectable).
 */
export function CopyButton({ text, label = "Copy" }: { text?: string; label?: string }) {
  return (
    <button type="button" class="secondary outline small copy-button" data-copy-text={text} hidden>
      {label}
    </button>
  );
}

export function CopyField(
  { value, class: className = "link-value", autofocus = false, label }: {
    value: string;
    class?: string;
    autofocus?: boolean;
    /** The input's accessible name when no <label> wraps it. */
    label?: string;
  },
) {
  return (
    <span class="copy-field">
      <input
        type="text"
        readonly
        value={value}
        autofocus={autofocus}
        spellcheck={false}
        autocomplete="off"
        class={className}
        aria-label={label}
      />
      <CopyButton />
    </span>
  );
}
