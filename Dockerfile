# The dockside container image: the static Linux binary on an empty base.
#
# The build context holds one binary per architecture, `amd64/dockside` and
# `arm64/dockside` (the release workflow puts the musl release binaries
# there). By hand, for the machine's architecture:
#   RUSTFLAGS="-C target-feature=+crt-static" \
#     cargo build --release --target x86_64-unknown-linux-gnu
#   mkdir -p image/amd64      # strip: 17.5 MB -> 14 MB (symbol names)
#   strip -o image/amd64/dockside target/x86_64-unknown-linux-gnu/release/dockside
#   docker build --build-arg TARGETARCH=amd64 -t dockside -f Dockerfile image
# Use:
#   docker run --rm -i dockside check - < Dockerfile
FROM scratch
# BuildKit sets TARGETARCH for each platform it builds; the classic builder
# needs it as a build argument.
ARG TARGETARCH
COPY ${TARGETARCH}/dockside /usr/local/bin/dockside
LABEL org.opencontainers.image.title="dockside" \
    org.opencontainers.image.description="A Dockerfile linter, formatter and language server" \
    org.opencontainers.image.licenses="MIT OR Apache-2.0"
# Any user can run it; mount the project and pass its user id to format files
# in place (docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" ...).
USER 65534:65534
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/dockside"]
CMD ["--help"]
