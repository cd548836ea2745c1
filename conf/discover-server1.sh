#!/bin/sh
# Resource discovery script of a server-1 worker (spark.worker.resource.server1.discoveryScript in
# conf/worker-server1.conf); see discover-server0.sh.
echo '{"name":"server1","addresses":["0"]}'
