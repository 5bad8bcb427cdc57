/** /notifications/rules/:id: one rule's form, filled in, for a change. */
import type { FieldErrors } from "../components/form_field.tsx";
import { Layout } from "../layouts/layout.tsx";
import { RuleForm, type RuleFormValues, type RuleOptions } from "./rules_form.tsx";

export function RuleEditPage({ id, options, values, errors }: {
  id: string;
  options: RuleOptions;
  values: RuleFormValues;
  errors?: FieldErrors;
}) {
  return (
    <Layout title="Edit notification rule">
      <hgroup>
        <h1>Edit notification rule</h1>
        <p>
          <a href="/notifications/rules">← All rules</a>
        </p>
      </hgroup>
      <RuleForm
        options={options}
        values={values}
        errors={errors}
        action={`/notifications/rules/${id}`}
        submit="Save rule"
      />
    </Layout>
  );
}
