FROM	ubuntu:14.04hrc", "/tmp
COPY	[ "bashrc"apt-get update, "/tmp