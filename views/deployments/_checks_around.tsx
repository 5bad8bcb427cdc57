import type { CheckAroundDeployment, PhaseSummary } from "../../services/checks/around_deployment.ts";

const PHASES = ["30 min before", "While it ran", "30 min after"] as const;

function Phase({ p }: { p: PhaseSummary | null }) {
  if (!p) return <span class="muted">—</span>;
  const ok = p.up + p.degraded;
  const status = p.down > 0 ? "down" : p.degraded > 0 ? "degraded" : "up";
  return (
    <span class={`phase-${status}`}>
      {p.down > 0
        ? `${p.down} down of ${p.total}`
        : p.degraded > 0
        ? `${p.degraded} slow of ${p.total}`
        : `${ok}/${p.total} up`}
    </span>
  );
}

/** The project's checks before, during and after a deployment: did the rollout make anything worse? */
export function ChecksAroundDeployment({ checks }: { checks: CheckAroundDeployment[] }) {
  return (
    <section aria-labelledby="checks-around">
      <h2 id="checks-around">Health checks around this deployment</h2>
      {checks.length === 0
        ? <p class="muted">No check results for this project within 30 minutes of the deployment.</p>
        : (
          <div class="table-wrap">
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  {PHASES.map((label) => <th key={label} scope="col">{label}</th>)}
                </tr>
              </thead>
              <tbody>
                {checks.map((c) => (
                  <tr key={c.checkId}>
                    <td>
                      <a href={`/checks/${c.checkId}`}>{c.name}</a>
                    </td>
                    {c.phases.map((p, i) => (
                      <td key={i}>
                        <Phase p={p} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  );
}
