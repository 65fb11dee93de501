# The graphengine API image, used by docker-compose.yml (the local path needs no Docker).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphengine ./graphengine
COPY cypher ./cypher
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["graphengine", "serve"]
