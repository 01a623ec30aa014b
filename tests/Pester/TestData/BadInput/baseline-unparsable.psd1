@{
    Name = 
