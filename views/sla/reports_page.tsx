import type { SlaReportRow } from "../../db/queries/sla.ts";
import { Layout } from "../layouts/layout.tsx";

interface Summary {
  breaches?: number;
  credit_percent?: number;
  targets?: { uptime_percent: number | null }[];
}

/** Monthly SLA reports (client users: their client's), with the PDF and CSV as sent. */
export function SlaReportsPage({ rows }: { rows: (SlaReportRow & { client_name: string })[] }) {
  return (
    <Layout title="SLA reports">
      <hgroup>
        <h1>SLA reports</h1>
        <p>Made on the 1st of each month in the client's time zone from the SOWs' targets, and mailed to the client.</p>
      </hgroup>
      {rows.length === 0 ? <p class="empty-state">No reports yet.</p> : (
        <div class="table-wrap">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Client</th>
                <th scope="col">Lowest uptime</th>
                <th scope="col">Breaches</th>
                <th scope="col">Credit due</th>
                <th scope="col">Documents</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const s = r.summary as Summary;
                const uptimes = (s.targets ?? []).map((t) => t.uptime_percent).filter((u): u is number => u !== null);
                return (
                  <tr key={r.id}>
                    <td>{r.month}</td>
                    <td>{r.client_name}</td>
                    <td>{uptimes.length ? `${Math.min(...uptimes).toFixed(3)} %` : "no data"}</td>
                    <td>{s.breaches ?? 0}</td>
                    <td>{s.credit_percent ?? 0} %</td>
                    <td>
                      <a href={`/api/v1/sla-reports/${r.id}?format=pdf`}>PDF</a> ·{" "}
                      <a href={`/api/v1/sla-reports/${r.id}?format=csv`}>CSV</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
