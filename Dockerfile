# sc-sim as a container image, for runs bigger than one machine (`sc-sim k8s render`: an Indexed
# Job with one pod per shard). Node 20 slim, production dependencies only, no Kafka broker inside:
# point it at your cluster with --brokers (and --command-config for a secured one).
#   docker build -t sc-sim:0.1.0 .
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# What the CLI needs at run time: its entry, sources (run by tsx), the bundled scenarios and the
# pom that pins the Kafka version (read at start-up; no broker is fetched in the image).
COPY bin ./bin
COPY src ./src
COPY tsconfig.json scenarios.yaml scenarios.schema.json ./
COPY kafka ./kafka
USER node
ENTRYPOINT ["node", "--max-semi-space-size=32", "bin/sc-sim.js"]
CMD ["--help"]
