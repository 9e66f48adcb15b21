"""Business rules over the models. Never touches the request, the session or templates."""
