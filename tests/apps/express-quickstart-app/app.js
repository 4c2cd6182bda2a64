// Auth0's Express quickstart as it prints it: the configuration of
// auth0-samples/auth0-express-webapp-sample's app.js, and the `/` and `/profile`
// routes of auth0.com/docs/quickstart/webapp/express. Every value comes from the
// environment (its .env, see .env.example). One line differs, marked below.
try { process.loadEnvFile(); } catch {} // the quickstart's require('dotenv').config(): Node's own .env loader (dotenv is not a dependency of this repository)
const express = require('express');
const { auth, requiresAuth } = require('express-openid-connect');

const app = express();

app.use(
  auth({
    authRequired: false, // set to true to require authentication for all routes
    auth0Logout: true,
    secret: process.env.SECRET,
    baseURL: process.env.BASE_URL,
    clientID: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    issuerBaseURL: process.env.ISSUER_BASE_URL,
  })
);

// req.isAuthenticated is provided from the auth router
app.get('/', (req, res) => {
  res.send(req.oidc.isAuthenticated() ? 'Logged in' : 'Logged out');
});

app.get('/profile', requiresAuth(), (req, res) => {
  res.send(JSON.stringify(req.oidc.user));
});

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
