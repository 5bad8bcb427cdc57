/**
 * Debian's MariaDB for the mysql data-source kind: a throwaway server in a
 * temp dir on 127.0.0.1 and a free port, with a `shop` database (customers,
 * orders) and a login `reporter` that may read and insert. Start-up is
 * bounded (30 s); a machine without mariadbd fails the test, it does not skip.
 */
import mysql from "mysql2/promise";

export interface SourceMariaDb {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  admin: mysql.Connection;
  stop(): Promise<void>;
}

const MARIADBD = "/usr/sbin/mariadbd";
const INSTALL_DB = "/usr/bin/mariadb-install-db";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export async function startSourceMariaDb(): Promise<SourceMariaDb> {
  const dir = await Deno.makeTempDir({ prefix: "opsdeck-source-mariadb-" });
  const asRoot = Deno.uid() === 0 ? ["--user=root"] : [];
  const install = await new Deno.Command(INSTALL_DB, {
    args: [
      "--no-defaults",
      `--datadir=${dir}/data`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...asRoot,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!install.success) throw new Error(`mariadb-install-db failed: ${new TextDecoder().decode(install.stderr)}`);
  const port = freePort();
  const socket = `${dir}/mysqld.sock`;
  const child = new Deno.Command(MARIADBD, {
    args: [
      "--no-defaults",
      `--datadir=${dir}/data`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--pid-file=${dir}/mysqld.pid`,
      `--log-error=${dir}/error.log`,
      "--skip-name-resolve",
      "--innodb-buffer-pool-size=16M",
      "--skip-log-bin",
      ...asRoot,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let admin: mysql.Connection | undefined;
  const deadline = Date.now() + 30_000;
  while (!admin) {
    try {
      admin = await mysql.createConnection({ socketPath: socket, user: "root", multipleStatements: true });
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        const log = await Deno.readTextFile(`${dir}/error.log`).catch(() => "");
        throw new Error(`MariaDB did not start in 30 s: ${(error as Error).message}\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const password = crypto.randomUUID();
  await admin.query(`
    CREATE DATABASE shop;
    USE shop;
    CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL, country char(2),
      created_at datetime NOT NULL);
    CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, total decimal(10, 2) NOT NULL,
      status varchar(20) NOT NULL DEFAULT 'paid', created_at datetime NOT NULL);
    INSERT INTO customers (name, country, created_at)
      SELECT concat('Customer ', seq), elt(1 + seq % 3, 'DE', 'FR', 'NL'), '2026-01-01' + INTERVAL seq HOUR
      FROM seq_1_to_30;
    INSERT INTO orders (customer_id, total, created_at)
      SELECT 1 + seq % 30, (seq % 17) * 10.5, '2026-02-01' + INTERVAL seq HOUR FROM seq_1_to_200;
    CREATE USER 'reporter'@'%' IDENTIFIED BY '${password}';
    GRANT SELECT, INSERT ON shop.* TO 'reporter'@'%';
  `);
  return {
    host: "127.0.0.1",
    port,
    database: "shop",
    user: "reporter",
    password,
    admin,
    async stop() {
      await admin.end().catch(() => {});
      child.kill("SIGTERM");
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
