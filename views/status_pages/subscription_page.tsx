/** The small public pages of a subscription: confirm, unsubscribe, "check your inbox", a refused link. */
export function SubscriptionPage({ title, message, action, button }: {
  title: string;
  message: string;
  /** a POST form with one button (so a mail scanner's GET never confirms or unsubscribes) */
  action?: string;
  button?: string;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        {/* A client's page carries no Opsdeck icon; without any, browsers ask for /favicon.ico (a 404). */}
        <link rel="icon" href="data:," />
        <title>{title}</title>
        <link rel="stylesheet" href="/static/vendor/pico.min.css" />
        <link rel="stylesheet" href="/static/css/status_page.css" />
      </head>
      <body>
        <main class="container status-page">
          <h1>{title}</h1>
          <p>{message}</p>
          {action && (
            <form method="post" action={action}>
              <button type="submit">{button}</button>
            </form>
          )}
        </main>
      </body>
    </html>
  );
}
