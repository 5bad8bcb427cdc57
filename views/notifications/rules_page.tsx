/** /notifications/rules: which events go to which channel, and the form for a new rule. */
import type { RuleRow } from "../../db/queries/notification_rules.ts";
import type { FieldErrors } from "../components/form_field.tsx";
import { Notice } from "../components/notice.tsx";
import { Layout } from "../layouts/layout.tsx";
import { type BrokenChannel, BrokenChannelsNotice } from "./deliveries_broken_notice.tsx";
import { RuleForm, type RuleFormValues, type RuleOptions } from "./rules_form.tsx";
import { RuleTableRow } from "./rules_row.tsx";

export interface RulesPageProps {
  rules: RuleRow[];
  nextCursor: string | null;
  options: RuleOptions;
  canWrite: boolean;
  canDelete: boolean;
  broken: BrokenChannel[];
  values?: RuleFormValues;
  errors?: FieldErrors;
  error?: string;
}

export function RulesPage(props: RulesPageProps) {
  const { rules, canWrite, canDelete } = props;
  return (
    <Layout title="Notification rules">
      <hgroup>
        <h1>Notification rules</h1>
        <p>
          Which events go to which{" "}
          <a href="/notifications">channel</a>, at once or gathered into a digest. An event reaches a channel once even
          when several rules match. See what was sent in the <a href="/notifications/deliveries">delivery log</a>.
        </p>
      </hgroup>
      <BrokenChannelsNotice channels={props.broken} />
      {props.error && <Notice kind="error">{props.error}</Notice>}
      {rules.length === 0
        ? <p class="empty-state">No rules yet: nothing is sent anywhere.{canWrite && " Add one below."}</p>
        : (
          <div class="table-wrap">
            <table class="striped rules-table">
              <thead>
                <tr>
                  <th scope="col">Events</th>
                  <th scope="col">Project</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Delivery</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody id="rule-rows">
                {rules.map((r) => <RuleTableRow key={r.id} rule={r} canWrite={canWrite} canDelete={canDelete} />)}
              </tbody>
            </table>
          </div>
        )}
      {props.nextCursor && (
        <p>
          <a href={`/notifications/rules?cursor=${encodeURIComponent(props.nextCursor)}`}>More rules →</a>
        </p>
      )}
      {canWrite && (
        <section>
          <h2>New rule</h2>
          <RuleForm options={props.options} values={props.values} errors={props.errors} />
        </section>
      )}
    </Layout>
  );
}
