module github.com/gstmini/workbook

go 1.25

require (
	github.com/fsnotify/fsnotify v1.10.1
	github.com/google/go-cmp v0.7.0
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
	golang.org/x/sys v0.13.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
