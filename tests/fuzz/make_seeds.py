#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Images and spreadsheets are copied from tests/data (small files only); the
documents of the other targets (S3 XML, vision answers, HTTP requests,
multipart bodies, tus headers, file names, .ods workbooks) are written here
in the shapes the services and clients send. The .xls wire seeds are the
helper program's own output for tests/data/carteira/carteira.xls, when a
built imagebank-xls-reader is named (--xls-reader). Run from anywhere; it
rewrites its own seeds and keeps the inputs campaigns merged in.
"""
import argparse
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE / "corpus"
MAX_SEED = 64 * 1024


def folder(name):
    # Seeds are (re)written by name; what campaigns merged in (files named
    # by their SHA-1, scripts/fuzz.sh --merge) stays.
    path = CORPUS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(dest, name, data):
    if isinstance(data, str):
        data = data.encode()
    (dest / name).write_bytes(data)


def copy(dest, files):
    for f in files:
        if f.stat().st_size <= MAX_SEED:
            shutil.copy(f, dest / f.name)


def images():
    for fmt, exts in {"jpeg": ["jpg"], "png": ["png"], "webp": ["webp"],
                      "avif": ["avif"]}.items():
        dest = folder(f"image_{fmt}")
        copy(dest, sorted(p for e in exts for p in DATA.glob(f"*.{e}")))
    dest = folder("variants")
    copy(dest, [DATA / n for n in ("gray.jpg", "rgb.jpg", "orient6.jpg",
                                   "cmyk.jpg", "palette_trns.png", "rgba.png",
                                   "lossy.webp", "lossless_alpha.webp",
                                   "rgb.avif", "irot.avif", "gray.avif")])


def ods(rows, repeated=False):
    cells = []
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, (int, float)):
                out.append('<table:table-cell office:value-type="float" '
                           f'office:value="{value}"><text:p>{value}</text:p>'
                           '</table:table-cell>')
            elif value.startswith("20") and len(value) == 10:
                out.append('<table:table-cell office:value-type="date" '
                           f'office:date-value="{value}"><text:p>{value}'
                           '</text:p></table:table-cell>')
            else:
                out.append('<table:table-cell office:value-type="string">'
                           f'<text:p>{value}</text:p></table:table-cell>')
        if repeated:
            out.append('<table:table-cell table:number-columns-repeated="3"/>'
                       '<table:covered-table-cell/>')
        cells.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    if repeated:
        cells.append('<table:table-row table:number-rows-repeated="4">'
                     '<table:table-cell/></table:table-row>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Pedido">'
        + "".join(cells) +
        '</table:table></office:spreadsheet></office:body>'
        '</office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2026, 1, 1, 0, 0, 0)),
                   "application/vnd.oasis.opendocument.spreadsheet")
        info = zipfile.ZipInfo("content.xml", (2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, content)
    return buf.getvalue()


def carteiras(xls_reader):
    c = DATA / "carteira"
    dest = folder("carteira_xlsx")
    copy(dest, sorted(c.glob("*.xlsx")))
    dest = folder("carteira_ods")
    copy(dest, [c / "planilha.ods"])
    header = ["Referência", "Descrição", "Cor", "Tamanho", "Preço", "Entrega"]
    write(dest, "pedido.ods", ods([header,
                                   ["VE-1001", "Vestido midi", "Azul", "M",
                                    199.9, "2026-03-01"],
                                   [1002, "Saia", "Preto", "P", 89,
                                    "2026-04-15"]]))
    write(dest, "repeated.ods", ods([header, ["BL-7", "Blusa", "Branco", "G",
                                              59.5, "2026-05-02"]],
                                    repeated=True))
    dest = folder("carteira_csv")
    copy(dest, sorted(p for p in c.iterdir()
                      if p.suffix in (".csv", ".tsv", ".txt")))
    dest = folder("carteira_xls_wire")
    if xls_reader:
        # Its stdin must be a file it can map, as the library's memfd is.
        with open(c / "carteira.xls", "rb") as book:
            out = subprocess.run([xls_reader], stdin=book,
                                 capture_output=True, check=True)
        write(dest, "carteira.wire", out.stdout)
    # Hand-made records: a password, an open error, an empty workbook.
    write(dest, "password.wire", b"P")
    write(dest, "open_error.wire", b"E\xfc\xff\xff\xff")
    write(dest, "empty.wire", b"N\x00\x00\x00\x00D")


def skus():
    dest = folder("sku")
    names = {
        "grammar": "VE1001_FRENTE.jpg\nVE1001",
        "views": "fotos/2026/AB-123-45 costas 2.JPG\nAB-123-45\nAB12345",
        "copy": "Cópia de VE1001 - Cópia (2).jpeg\nVE1001",
        "camera": "campanha/VE1001/IMG_4512.HEIC\nVE1001",
        "whatsapp": "WhatsApp Image 2026-01-05 at 10.11.12.jpeg\n",
        "folder": "VE1001 detalhe/DSC_0001.jpg\nVE1001\nVE1002",
        "windows": "C:\\Fotos\\Verão\\ve 1001 lateral 03.png\nVE1001",
        "sequence": "VE1001-01.webp\nVE1001-02.webp\nVE1001\nVE100",
        "accents": "SAIA_ÇÃO_VERSO.avif\nSAIA ÇÃO",
    }
    for name, text in names.items():
        write(dest, name, text)


def s3_xml():
    dest = folder("s3_xml")
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    write(dest, "list_objects.xml",
          '<?xml version="1.0" encoding="UTF-8"?>\n'
          f'<ListBucketResult {ns}><Name>b</Name><Prefix>p/</Prefix>'
          '<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>'
          '<IsTruncated>true</IsTruncated>'
          '<NextContinuationToken>tok+/=</NextContinuationToken>'
          '<Contents><Key>p/a&amp;b</Key>'
          '<LastModified>2026-11-27T14:20:00.123Z</LastModified>'
          '<ETag>&quot;x&quot;</ETag><Size>42</Size></Contents>'
          '<Contents><Key>p/c</Key><LastModified>1970-01-01T00:00:01Z'
          '</LastModified><Size>0</Size></Contents></ListBucketResult>')
    write(dest, "error.xml",
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey'
          '</Code><Message>The specified key does not exist.</Message>'
          '<Key>a</Key><RequestId>1</RequestId></Error>')
    write(dest, "initiate.xml",
          f'<InitiateMultipartUploadResult {ns}><Bucket>b</Bucket>'
          '<Key>k</Key><UploadId>VXBsb2FkSWQ</UploadId>'
          '</InitiateMultipartUploadResult>')
    write(dest, "list_uploads.xml",
          f'<ListMultipartUploadsResult {ns}><Bucket>b</Bucket>'
          '<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>'
          '<NextKeyMarker>k2</NextKeyMarker>'
          '<NextUploadIdMarker>u2</NextUploadIdMarker>'
          '<MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>'
          '<Upload><Key>k1</Key><UploadId>u1</UploadId>'
          '<Initiated>2026-11-27T14:20:00.000Z</Initiated></Upload>'
          '<Upload><Key>k2</Key><UploadId>u2</UploadId></Upload>'
          '</ListMultipartUploadsResult>')
    write(dest, "dates.txt", "Fri, 27 Nov 2026 14:20:00 GMT")
    write(dest, "doctype.xml", '<!DOCTYPE l [<!ENTITY a "aaaaaaaa">]>'
          '<ListBucketResult>&a;</ListBucketResult>')


MODEL = {
    "description": "Vestido midi de linho.",
    "tags": ["Vestido", "midi", "vestido", " linho "],
    "colors": [{"name": "Bege", "hex": "#D6C4A0", "share": 0.3},
               {"name": "azul-marinho", "hex": "#1f2a44", "share": 0.7}],
    "material": "Linho", "garment_type": "vestido", "style": None,
    "confidence": 0.85,
}


def vision():
    items = [{"label": "vestido", "box": [0.1, 0.05, 0.8, 0.951],
              "colors": [{"name": "azul-marinho", "hex": None,
                          "share": None}],
              "material": "linho", "pattern": "lisa", "confidence": 0.9}]
    dest = folder("vision_openai")
    for name, finish, refusal, content in (
            ("answer", "stop", None, dict(MODEL, items=items)),
            ("refusal", "stop", "I can't help with that.", None),
            ("filtered", "content_filter", None, {}),
            ("cut", "length", None, dict(MODEL, items=[]))):
        message = {"role": "assistant",
                   "content": json.dumps(content) if content is not None
                   else "", "refusal": refusal}
        write(dest, f"{name}.json", json.dumps({
            "id": "chatcmpl-1", "object": "chat.completion",
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": 312, "completion_tokens": 95,
                      "total_tokens": 407}}))
    write(dest, "error.json", json.dumps({"error": {
        "message": "Rate limit reached for requests", "type": "requests",
        "code": "rate_limit_exceeded"}}))
    dest = folder("vision_gemini")
    gitems = [{"label": "saia", "box_2d": [100, 200, 500, 700], "colors": [],
               "material": None, "pattern": None, "confidence": 0.5}]
    for name, finish, text in (("answer", "STOP",
                                dict(MODEL, items=gitems)),
                               ("max_tokens", "MAX_TOKENS", {}),
                               ("safety", "SAFETY", {})):
        write(dest, f"{name}.json", json.dumps({
            "candidates": [{"content": {"role": "model", "parts": [
                {"text": "pensando...", "thought": True},
                {"text": json.dumps(text)}]},
                "finishReason": finish, "index": 0}],
            "usageMetadata": {"promptTokenCount": 1290,
                              "candidatesTokenCount": 140,
                              "thoughtsTokenCount": 60,
                              "totalTokenCount": 1490},
            "modelVersion": "gemini-2.5-flash"}))
    write(dest, "blocked.json", json.dumps(
        {"promptFeedback": {"blockReason": "SAFETY"}}))
    write(dest, "error.json", json.dumps({"error": {
        "code": 429, "message": "Resource has been exhausted",
        "status": "RESOURCE_EXHAUSTED", "details": [
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
             "violations": [{"quotaId": "GenerateRequestsPerDayPerProject"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo",
             "retryDelay": "37s"}]}}))
    dest = folder("vision_google")
    write(dest, "answer.json", json.dumps({"responses": [
        {"labelAnnotations": [
            {"mid": "/m/01d40f", "description": "Dress", "score": 0.97},
            {"mid": "/m/y", "description": "Denim", "score": 0.8}],
         "imagePropertiesAnnotation": {"dominantColors": {"colors": [
             {"color": {"red": 255, "green": 255}, "score": 0.2,
              "pixelFraction": 0.1},
             {"color": {"red": 25, "green": 35, "blue": 75}, "score": 0.6,
              "pixelFraction": 0.5}]}},
         "localizedObjectAnnotations": [
             {"mid": "/m/01d40f", "name": "Dress", "score": 0.9,
              "boundingPoly": {"normalizedVertices": [
                  {"x": 0.25, "y": 0.1}, {"x": 0.75, "y": 0.1},
                  {"x": 0.75}, {"x": 0.25, "y": 1.0}]}}]},
        {"error": {"code": 3, "message": "Bad image data."}},
        {}]}))
    write(dest, "error.json", json.dumps({"error": {
        "code": 400, "message": "API key not valid.",
        "status": "INVALID_ARGUMENT", "details": [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo",
             "reason": "API_KEY_INVALID"}]}}))


def server():
    dest = folder("server_http")
    crlf = "\r\n"

    def req(lines, body=""):
        return crlf.join(lines) + crlf + crlf + body

    write(dest, "get_image", req([
        "GET /images/42?preset=thumbnail&format=webp&sig=abc%2B HTTP/1.1",
        "Host: bank.example", "Accept: image/avif,image/webp,*/*",
        "If-None-Match: \"abc\"", "Range: bytes=0-99"]))
    write(dest, "list", req([
        "GET /api/v1/images?batch=3&status=done&view=front&view=back&q=vestido+azul HTTP/1.1",
        "Host: h", "Authorization: Bearer ib_test_key", "Connection: keep-alive"]))
    boundary = "----imagebankBoundary7MA4YWxk"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            "filename=\"VE1001_FRENTE.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            "\xff\xd8\xff\xd9\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"path\"\r\n"
            f"\r\nfotos/VE1001_FRENTE.jpg\r\n--{boundary}--\r\n")
    write(dest, "upload_multipart", req([
        "POST /api/v1/batches/7/files HTTP/1.1", "Host: h",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        f"Content-Length: {len(body)}"], body))
    write(dest, "tus_create", req([
        "POST /api/v1/uploads HTTP/1.1", "Host: h", "Tus-Resumable: 1.0.0",
        "Upload-Length: 1000",
        "Upload-Metadata: batch Nw==,filename VkUxMDAxLmpwZw==,is_confidential"]))
    write(dest, "tus_patch", req([
        "PATCH /api/v1/uploads/0123456789abcdef0123456789abcdef HTTP/1.1",
        "Host: h", "Tus-Resumable: 1.0.0", "Upload-Offset: 0",
        "Content-Type: application/offset+octet-stream",
        "Upload-Checksum: sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
        "Transfer-Encoding: chunked", "Expect: 100-continue"], "4\r\nabcd\r\n0\r\n\r\n"))
    write(dest, "json_post", req([
        "POST /api/v1/batches HTTP/1.1", "Host: h",
        "Content-Type: application/json", "Content-Length: 17"],
        '{"mode":"upload"}'))
    write(dest, "http10", req(["DELETE /api/v1/keys/ib_abc HTTP/1.0"]))
    write(dest, "encoded", req([
        "GET /api/v1/products/VE%201001%C3%A7/x/../%2e HTTP/1.1", "Host: h"]))
    write(dest, "options", req([
        "OPTIONS /api/v1/uploads HTTP/1.1", "Host: h",
        "Origin: https://loja.example", "Access-Control-Request-Method: PATCH"]))
    dest = folder("server_multipart")
    write(dest, "two_parts",
          f"multipart/form-data; boundary={boundary}\n" + body)
    write(dest, "quoted", 'multipart/form-data; boundary="a b"\n'
          'preamble\r\n--a b\r\nContent-Disposition: form-data; name="f"; '
          "filename*=UTF-8''Cal%C3%A7a.png; filename=\"x.png\"\r\n\r\n"
          "data\r\n--a b--\r\nepilogue")
    dest = folder("server_tus")
    write(dest, "metadata", "batch Nw==,filename VkUxMDAxLmpwZw==,flag")
    write(dest, "sha1", "sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=")
    write(dest, "sha256",
          "sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    write(dest, "padding", "relativePath Zm90b3MvYQ==")


def hash_index():
    """Small valid index files, through the imagebank wheel when installed."""
    try:
        import random
        import imagebank
    except ImportError:
        print("make_seeds: imagebank not importable; corpus/hash_index kept")
        return
    dest = folder("hash_index")
    r = random.Random(20)
    imagebank.HashIndex().save(str(dest / "empty64.ibhi"))
    index = imagebank.HashIndex()
    for i in range(12):
        index.add(i * 7 + 1, r.getrandbits(64))
    index.save(str(dest / "small64.ibhi"))
    index = imagebank.HashIndex(bits=256)
    for i in range(5):
        index.add(i + 100, r.getrandbits(256).to_bytes(32, "big"))
    index.save(str(dest / "small256.ibhi"))
    index = imagebank.HashIndex(substrings=3)
    for i in range(40):
        index.add(i, r.getrandbits(64))
    index.save(str(dest / "tables64.ibhi"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xls-reader", help="a built imagebank-xls-reader")
    args = parser.parse_args()
    images()
    carteiras(args.xls_reader)
    skus()
    s3_xml()
    vision()
    server()
    hash_index()


if __name__ == "__main__":
    main()
