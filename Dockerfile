# kafka-lambda-bridge container image.
# BASE_IMAGE and RUST_IMAGE are build arguments so that machines without a registry can pass local
# stand-ins (see docs/containers.md); users build it as usual with `docker build .`.
ARG BASE_IMAGE=node:24-bookworm-slim
ARG RUST_IMAGE=rust:1-bookworm

# --- the native raw-batch consumer addon (napi-rs + rust-rdkafka) -----------------------------
FROM ${RUST_IMAGE} AS native
RUN apt-get update && apt-get install -y --no-install-recommends cmake libssl-dev libsasl2-dev zlib1g-dev \
      libzstd-dev liblz4-dev libcurl4-openssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src/native
COPY native/ ./
RUN cargo build --release && cp target/release/libkafka_lambda_bridge_native.so /kafka-lambda-bridge.node \
    && strip /kafka-lambda-bridge.node

# --- npm dependencies, the librdkafka binding and the WASM encoder ---------------------------
FROM ${BASE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ libssl-dev libsasl2-dev \
      zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local CKJS_LINKING=dynamic
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json asconfig.json ./
COPY assembly/ assembly/
RUN npm run asbuild && npm prune --omit=dev

# --- runtime ----------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 libsasl2-2 zlib1g libzstd1 liblz4-1 \
      libcurl4 ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# One malloc arena: batch buffers freed on one thread and allocated on another fragment less (with
# the periodic malloc_trim, ~15 MiB less peak RSS for a few % more CPU; docs/benchmarks.md).
ENV NODE_ENV=production UV_THREADPOOL_SIZE=64 MALLOC_ARENA_MAX=1
COPY --from=build /app/node_modules node_modules/
COPY --from=build /app/build build/
COPY --from=native /kafka-lambda-bridge.node native/kafka-lambda-bridge.node
COPY package.json ./
COPY bin/ bin/
COPY src/ src/
COPY examples/ examples/
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/kafka-lambda-bridge.js"]
CMD ["serve"]
