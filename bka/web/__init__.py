"""Flask glue: security headers and sessions, locale selection, template helpers, e-mail and
file exports. Views and the app factory use it; the domain never does."""
