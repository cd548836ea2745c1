#!/bin/sh
# Resource discovery script of a server-0 worker (spark.worker.resource.server0.discoveryScript in
# conf/worker-server0.conf). Spark runs it once at worker start and reads one JSON object: the resource
# name and its addresses. One address per executor that may run server 0's tasks at a time on this worker;
# list more ("0","1",...) to host several server-0 executors on one machine.
echo '{"name":"server0","addresses":["0"]}'
