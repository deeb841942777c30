"""Serving a bank's images from a Flask app through imagebank.

    IMAGEBANK_DIR=imagebank-data IMAGEBANK_URL_SECRET=... flask --app flask_app run

GET /images/<id>?size=grid&format=auto answers as imagebank-server does: the
format the browser takes (with Vary: Accept), strong ETags and 304s,
immutable caching, byte ranges of originals, variants made on first request.
With IMAGEBANK_URL_SECRET set, image URLs must be signed (GET /sign/<id>
hands out one, for the demo; a real app signs URLs where it renders pages).
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, abort, jsonify, request

import imagebank


def create_app(bank_dir: str | None = None, url_secret: str | None = None) -> Flask:
    bank = imagebank.Bank.open(dir=bank_dir or os.environ.get("IMAGEBANK_DIR", "imagebank-data"))
    images = imagebank.ImageService(bank.catalog, bank.blobs)
    secret = url_secret if url_secret is not None else os.environ.get("IMAGEBANK_URL_SECRET")
    signer = imagebank.UrlSigner([("k1", secret)]) if secret else None
    app = Flask(__name__)

    @app.get("/images/<image_id>")
    def image(image_id: str) -> Response:
        if signer is not None:
            try:
                signer.verify(request.full_path, int(time.time()))
            except imagebank.Error as e:
                refused = jsonify(code=e.code, detail=str(e))
                refused.status_code = imagebank.http_status(e.code)
                return refused
        plan = images.plan(
            image_id,
            size=request.args.get("size", "original"),
            format=request.args.get("format", "auto"),
            accept=request.headers.get("Accept", ""),
            if_none_match=request.headers.get("If-None-Match", ""),
            range=request.headers.get("Range", ""),
        )
        headers = dict(plan.headers)
        if plan.error is not None:
            response = jsonify(code=plan.error.code, detail=str(plan.error))
            response.status_code = plan.status
            response.headers.update(headers)
            return response
        body = b""
        if plan.blob_key and plan.status in (200, 206) and request.method != "HEAD":
            body = bank.blobs.get(plan.blob_key, offset=plan.offset, length=plan.length)
        response = Response(body, status=plan.status, headers=headers)
        if plan.status != 304:
            response.content_type = plan.content_type
            response.content_length = plan.length
        return response

    @app.get("/sign/<image_id>")
    def sign(image_id: str) -> Response:
        if signer is None:
            abort(404)
        size = request.args.get("size", "grid")
        url = signer.sign(f"/images/{image_id}?size={size}", int(time.time()) + 3600)
        return jsonify(url=url)

    return app
