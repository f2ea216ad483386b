"""Security headers on every HTTP answer of the app (issue 14, item 9), as ASGI middleware for
Streamlit's `st.App` (see serve.py). The WebSocket is left alone: headers mean nothing there.

Framing is allowed for the app's own origin only, not refused outright: the sign-in cookie is
written by a Streamlit component, a same-origin page shown in an iframe, which `DENY` or
`frame-ancestors 'none'` would block. HSTS is the TLS proxy's to send (docs/deploy.md): only
it knows the site is served over HTTPS.
"""
from __future__ import annotations

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", "frame-ancestors 'self'; base-uri 'self'; object-src 'none'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every HTTP response that does not set them itself."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _value in message.get("headers", [])}
                extra = [(name.lower().encode("latin-1"), value.encode("latin-1"))
                         for name, value in SECURITY_HEADERS if name.lower().encode("latin-1") not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
