# Shell helpers shared by the scripts; source it: . "$(dirname "$0")/lib.sh"

# as_root runs its arguments as root: directly when root, else with sudo;
# it fails (status 1, a message on stderr) when neither is possible.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "$(basename "$0"): need root (or sudo) to run: $*" >&2
		return 1
	fi
}
