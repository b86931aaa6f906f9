svc restart once
echo ctl-after-restart
svc status once
