import VM
