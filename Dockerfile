# Panel's container image, for Azure Container Apps (or any container host).
#
#   docker build -t panel .
#   docker run --rm -p 3978:3978 -v "$PWD/partnership.yaml:/config/partnership.yaml:ro" \
#     -e PARTNERSHIP_FILE=/config/partnership.yaml -e BOT_ID=… -e BOT_TENANT_ID=… \
#     -e BOT_PASSWORD=… -e STORE=cosmos -e COSMOS_ENDPOINT=… panel
#
# Settings come from the environment (README, "Configuration"); the image holds none. With
# NODE_ENV=production Panel needs PARTNERSHIP_FILE: mount the partnership's own file.
#
# Three stages on the same Debian (glibc) Node 22 image:
#   toolchain  the compilers better-sqlite3 needs when no prebuilt binary can be had, and
#              npm 11, as on the project's machines
#   build      every dependency, then `npm run build` (TypeScript → dist/)
#   prod-deps  the production dependencies alone, with better-sqlite3 compiled for this
#              image's Node and libc
# The runtime stage takes dist/ from build and node_modules/ from prod-deps: no compilers,
# no devDependencies, no tsx, no TypeScript sources. Keep every FROM on the same image,
# or the compiled better-sqlite3 may not load.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The npm of the project's machines (11.19): it honours package.json's allowScripts, so
# only the packages listed there run install scripts. The npm 10 bundled with Node 22
# ignores that list and runs every package's.
RUN npm install -g npm@11.19.1 --no-audit --no-fund
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3978
# A font for the annual summary's charts: resvg draws their text with the host's fonts,
# and the slim image has none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The code belongs to root and is read-only to Panel; only data/ (the SQLite store, for a
# single-instance pilot: use Cosmos DB in production) is Panel's to write.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY partnership ./partnership
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3978
# No HEALTHCHECK: Container Apps ignores it and uses its own probes. Point the liveness
# probe at GET /healthz and the readiness probe at GET /readyz, on port 3978.
# What `npm start` runs (tests/container.test.ts keeps the two the same): the compiled
# server, with telemetry preloaded. Exec form, without npm: node is PID 1 and gets SIGTERM
# itself, for Panel's graceful stop.
CMD ["node", "--import", "./dist/bot/telemetry.js", "dist/bot/main.js"]
