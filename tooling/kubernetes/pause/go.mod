module isol8.local/pause

go 1.22
