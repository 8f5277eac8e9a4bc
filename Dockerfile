# One image for the gateway and every subgraph; the compose file picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY kit kit
COPY gateway gateway
COPY subgraphs subgraphs
COPY demo demo
COPY scripts scripts
COPY schema schema
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/schema schema
COPY --from=build /app/subgraphs/manifest.json subgraphs/manifest.json
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
# The gateway, as every launcher starts it: GATEWAY_ENV and GATEWAY_NODE_ARGS (scripts/manifest.ts).
# The units, started from this image with their own command, do not take the gateway's malloc setting.
CMD ["env", "MALLOC_ARENA_MAX=2", "node", "--heap-growing-percent=75", "--max-semi-space-size=16", "--no-allocation-site-pretenuring", "dist/gateway/main.js"]
