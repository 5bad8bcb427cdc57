/**
 * A pdfkit document drawn by the caller and collected into bytes (reports, SLA
 * statements). pdfkit (fonts, fontkit) is loaded on the first PDF, not by every
 * process that imports the app: ~0.2 s of CPU per test module otherwise.
 */
import type PDFDocument from "pdfkit";

export type PdfDoc = InstanceType<typeof PDFDocument>;
export type PdfOptions = ConstructorParameters<typeof PDFDocument>[0];

/** Runs `draw` on a new document, ends it and resolves with the whole file. */
export async function pdfBytes(options: PdfOptions, draw: (doc: PdfDoc) => void): Promise<Uint8Array> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument(options);
  const chunks: Uint8Array[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("data", (c: Uint8Array) => chunks.push(c));
    doc.on("end", () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      resolve(out);
    });
    doc.on("error", reject);
  });
  draw(doc);
  doc.end();
  return await done;
}
