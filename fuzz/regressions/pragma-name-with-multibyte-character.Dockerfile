FROM alpine:3.20
# hadolint ignore=D􋵄L3059
RUN echo hi
