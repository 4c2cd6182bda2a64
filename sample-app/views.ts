const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · sample-app</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}.error{color:#9b1c1c}</style></head>
<body><nav><a href="/">Home</a> · <a href="/profile">Profile</a> · <a href="/orders">Orders</a></nav>${body}</body></html>`;
}

export function homePage(user: { name?: unknown; email?: unknown } | undefined): string {
  return user
    ? layout('Home', `<h1>Hello, ${esc(user.name ?? user.email)}</h1><p><a href="/profile">Your profile</a> · <a href="/orders">Orders</a> · <a href="/logout">Log out</a></p>`)
    : layout('Home', `<h1>Welcome to sample-app</h1><p>You are not logged in. <a href="/login">Log in</a></p>`);
}

export function ordersPage(orders: unknown, canCreateHint: string): string {
  return layout('Orders', `<h1>Orders</h1><pre>${esc(JSON.stringify(orders, null, 2))}</pre>
<form method="post" action="/orders"><input type="hidden" name="item" value="widget"><button type="submit">Create an order</button></form>
<p>${esc(canCreateHint)}</p>`);
}

export function messagePage(title: string, text: string): string {
  return layout(title, `<h1 class="error">${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Home</a></p>`);
}
