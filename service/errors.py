"""Errors as RFC 9457 problem details (`application/problem+json`), with Swedish messages."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


class ApiError(Exception):
    """An error the client can act on: status, a Swedish title and detail, optional field errors."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}

    def response(self, request_id: str = "") -> Response:
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        if request_id:
            body["request_id"] = request_id
        response = jsonify(body)
        response.status_code = self.status
        response.mimetype = "application/problem+json"
        for key, value in self.headers.items():
            response.headers[key] = value
        return response


def not_found(what: str = "resursen") -> ApiError:
    return ApiError(404, "Hittades inte", f"{what} finns inte eller är inte synlig för dig")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "Otillåtet", detail)
