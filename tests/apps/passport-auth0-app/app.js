// A regular web app on passport-auth0, unmodified, set up as Auth0's Node.js sample
// (auth0-samples/auth0-nodejs-webapp-sample, 01-Login: app.js, routes/auth.js,
// routes/users.js, lib/middleware/secured.js) without its views: /login, /callback, a
// protected /user showing the profile, /logout through Auth0's /v2/logout. passport-auth0
// builds every URL as https://${AUTH0_DOMAIN}. Every value comes from the environment.
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const Auth0Strategy = require('passport-auth0');
const querystring = require('querystring');

try { process.loadEnvFile(); } catch {} // the sample's dotenv.load(): Node's own .env loader

const strategy = new Auth0Strategy(
  {
    domain: process.env.AUTH0_DOMAIN,
    clientID: process.env.AUTH0_CLIENT_ID,
    clientSecret: process.env.AUTH0_CLIENT_SECRET,
    callbackURL: process.env.AUTH0_CALLBACK_URL || 'http://localhost:3000/callback'
  },
  function (accessToken, refreshToken, extraParams, profile, done) {
    // extraParams.id_token has the JSON Web Token; profile has all the information from the user
    return done(null, profile);
  }
);

passport.use(strategy);
passport.serializeUser(function (user, done) { done(null, user); });
passport.deserializeUser(function (user, done) { done(null, user); });

const app = express();
app.use(session({ secret: 'CHANGE THIS SECRET', cookie: {}, resave: false, saveUninitialized: true }));
app.use(passport.initialize());
app.use(passport.session());

function secured(req, res, next) {
  if (req.user) { return next(); }
  req.session.returnTo = req.originalUrl;
  res.redirect('/login');
}

app.get('/login', passport.authenticate('auth0', { scope: 'openid email profile' }), function (req, res) {
  res.redirect('/');
});

app.get('/callback', function (req, res, next) {
  passport.authenticate('auth0', function (err, user) {
    if (err) { return next(err); }
    if (!user) { return res.redirect('/login'); }
    req.logIn(user, function (err) {
      if (err) { return next(err); }
      const returnTo = req.session.returnTo;
      delete req.session.returnTo;
      res.redirect(returnTo || '/user');
    });
  })(req, res, next);
});

app.get('/user', secured, function (req, res) {
  const { _raw, _json, ...userProfile } = req.user;
  res.json(userProfile);
});

app.get('/logout', (req, res, next) => {
  // passport 0.6+ takes a callback (the sample's req.logout() predates it)
  req.logout(function (err) {
    if (err) { return next(err); }
    const returnTo = `${req.protocol}://${req.get('host')}`;
    const logoutURL = new URL(`https://${process.env.AUTH0_DOMAIN}/v2/logout`);
    logoutURL.search = querystring.stringify({ client_id: process.env.AUTH0_CLIENT_ID, returnTo });
    res.redirect(logoutURL.href);
  });
});

app.get('/', (req, res) => res.send(req.user ? 'Logged in' : 'Logged out'));

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
