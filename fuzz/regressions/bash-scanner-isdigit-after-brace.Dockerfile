FROM a
RUN echo ${󝕁x
