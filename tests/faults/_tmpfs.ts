/**
 * A tiny tmpfs for F13, owned by whoever runs the test's PostgreSQL (the
 * "postgres" user when the tests run as root, else the current user), so a
 * tablespace on it fills up for real: PostgreSQL's own "could not extend
 * file …: No space left on device". Mounting needs root or `sudo -n`; null
 * when neither is available.
 */
export async function mountTinyTmpfs(mib: number): Promise<{ dir: string; unmount(): Promise<void> } | null> {
  const root = Deno.uid() === 0;
  const owner = root ? await idOf("postgres") : { uid: Deno.uid()!, gid: Deno.gid()! };
  if (!owner) return null;
  const run = async (args: string[]) =>
    (await new Deno.Command(root ? args[0] : "sudo", {
      args: root ? args.slice(1) : ["-n", ...args],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-tiny-disk-" });
  await Deno.chmod(dir, 0o755);
  const options = `size=${mib}m,uid=${owner.uid},gid=${owner.gid},mode=0700`;
  if (!await run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", dir])) {
    await Deno.remove(dir);
    return null;
  }
  return {
    dir,
    async unmount() {
      await run(["umount", "-l", dir]);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function idOf(user: string): Promise<{ uid: number; gid: number } | null> {
  const out = await new Deno.Command("id", { args: [user], stdout: "piped", stderr: "null" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const uid = text.match(/uid=(\d+)/)?.[1];
  const gid = text.match(/gid=(\d+)/)?.[1];
  return out.success && uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}
