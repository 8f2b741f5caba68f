[web]
%{ for h in hosts ~}
${h}:${port}
%{ endfor ~}
