"""A client library for accessing HTX USDT-margined swap API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
