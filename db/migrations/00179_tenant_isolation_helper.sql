-- Every tenant table gets the same row-level security: on, with one policy that keeps opsdeck_app to the tenant set
-- for the transaction. Earlier migrations each wrote it out; from here on a migration calls this instead, so the
-- policy is written once.
CREATE FUNCTION opsdeck_isolate_by_tenant(VARIADIC tables text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO opsdeck_app
         USING (tenant_id = opsdeck_current_tenant())
         WITH CHECK (tenant_id = opsdeck_current_tenant())',
      t
    );
  END LOOP;
END
$$;
