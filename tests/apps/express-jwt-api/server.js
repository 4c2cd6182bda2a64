// Auth0's Node (Express) API quickstart with express-jwt + jwks-rsa, as
// auth0-samples/auth0-express-api-samples printed it (01-Authorization-RS256/server.js,
// before it moved to express-oauth2-jwt-bearer). Every value comes from the environment
// (its .env, see .env.example). The lines that differ are marked.
const express = require('express');
const app = express();
const { expressjwt: jwt } = require('express-jwt'); // express-jwt 7+ names its export; 5 exported the function itself
const jwksRsa = require('jwks-rsa');
const cors = require('cors');
try { process.loadEnvFile(); } catch {} // require('dotenv').config(): Node's own .env loader (dotenv is not a dependency of this repository)

if (!process.env.AUTH0_DOMAIN || !process.env.AUTH0_AUDIENCE) {
  throw 'Make sure you have AUTH0_DOMAIN, and AUTH0_AUDIENCE in your .env file';
}

const corsOptions =  {
  origin: 'http://localhost:3000'
};

app.use(cors(corsOptions));

const checkJwt = jwt({
  // Dynamically provide a signing key based on the [Key ID](https://tools.ietf.org/html/rfc7515#section-4.1.4) header parameter ("kid") and the signing keys provided by the JWKS endpoint.
  secret: jwksRsa.expressJwtSecret({
    cache: true,
    rateLimit: true,
    jwksRequestsPerMinute: 5,
    jwksUri: `https://${process.env.AUTH0_DOMAIN}/.well-known/jwks.json`
  }),

  // Validate the audience and the issuer.
  audience: process.env.AUTH0_AUDIENCE,
  issuer: `https://${process.env.AUTH0_DOMAIN}/`,
  algorithms: ['RS256']
});

// The quickstart's jwtAuthz(['read:messages']) from express-jwt-authz (not a dependency of this
// repository), with Auth0's RBAC `permissions` claim: every listed permission, else 403.
const checkScopes = (req, res, next) => {
  const granted = req.auth?.permissions ?? [];
  if (['read:messages'].every((p) => granted.includes(p))) return next();
  next(Object.assign(new Error('Insufficient scope'), { status: 403 }));
};

app.get('/api/public', function(req, res) {
  res.json({
    message: 'Hello from a public endpoint! You don\'t need to be authenticated to see this.'
  });
});

app.get('/api/private', checkJwt, function(req, res) {
  res.json({
    message: 'Hello from a private endpoint! You need to be authenticated to see this.'
  });
});

app.get('/api/private-scoped', checkJwt, checkScopes, function(req, res) {
  res.json({
    message: 'Hello from a private endpoint! You need to be authenticated and have a scope of read:messages to see this.'
  });
});

app.use(function(err, req, res, next){
  console.error(err.stack);
  return res.status(err.status).json({ message: err.message });
});

// The quickstart listens on 3010; PORT=0 lets the test pick a free port, printed as it is.
const server = app.listen(process.env.PORT || 3010, () => console.log(`Listening on http://localhost:${server.address().port}`));
