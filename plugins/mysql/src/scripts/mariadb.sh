# take_backup TARGET [BASE]: a full backup into TARGET, or an incremental one on BASE.
take_backup() {
	local args=(--backup "--target-dir=$1")
	if [ $# -gt 1 ]; then
		args+=("--incremental-basedir=$2")
	fi
	mariadb-backup "${defaults[@]}" "${args[@]}" "${node_options[@]}"
}
